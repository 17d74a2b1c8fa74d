import { bootScreen } from '../../shell/boot-screen.ts';
import WallScreen from './WallScreen.vue';

bootScreen('wall', WallScreen);
