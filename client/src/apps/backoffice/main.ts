import { bootPage } from '../../shell/boot.ts';
import BackofficeApp from './BackofficeApp.vue';

bootPage(BackofficeApp);
