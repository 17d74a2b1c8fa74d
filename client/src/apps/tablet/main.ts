import './tablet.css';
import { bootScreen } from '../../shell/boot-screen.ts';
import TabletScreen from './TabletScreen.vue';

bootScreen('tablet', TabletScreen);
