import { bootPage } from '../../shell/boot.ts';
import WallApp from './WallApp.vue';

bootPage(WallApp);
