import { bootScreen } from '../../shell/boot-screen.ts';
import PosScreen from './PosScreen.vue';

bootScreen('pos', PosScreen);
