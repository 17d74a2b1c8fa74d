import { bootPage } from '../../shell/boot.ts';
import LoginApp from './LoginApp.vue';

bootPage(LoginApp);
