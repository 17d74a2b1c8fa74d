import { bootPage } from '../../shell/boot.ts';
import PosApp from './PosApp.vue';

bootPage(PosApp);
