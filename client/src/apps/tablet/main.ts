import './tablet.css';
import { bootPage } from '../../shell/boot.ts';
import TabletApp from './TabletApp.vue';

bootPage(TabletApp);
