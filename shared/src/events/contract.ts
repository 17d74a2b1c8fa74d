import { accountCommands } from './accounts.events.ts';
import { cashCommands, cashHistoryCommands, cashNotifications } from './cash.events.ts';
import { catalogCommands, catalogNotifications } from './catalog.events.ts';
import type { CommandEvents, NotificationEvents, RequestEvents } from './define.ts';
import {
  hardwareCommands,
  hardwareNotifications,
  hardwareRequests,
  hardwareScreenCommands,
} from './hardware.events.ts';
import { inventoryCommands, inventoryNotifications } from './inventory.events.ts';
import { nodeStateNotifications } from './node-state.events.ts';
import { parkedTicketCommands, parkedTicketNotifications } from './parked-tickets.events.ts';
import { promotionCommands, promotionNotifications } from './promotions.events.ts';
import { purchasingCommands, purchasingHistoryCommands } from './purchasing.events.ts';
import { reportingCommands } from './reporting.events.ts';
import { salesCommands, salesNotifications } from './sales.events.ts';
import { salesHistoryCommands } from './sales-history.events.ts';
import { siiCommands, siiNotifications } from './sii.events.ts';
import { inventoryValuationCommands } from './stock-valuation.events.ts';
import { storeNodeCommands, storeNodeNotifications, storeNodeScreenCommands } from './store-node.events.ts';
import { storeNodeTillCommands } from './store-node-till.events.ts';
import { tenancyCommands, tenancyNotifications } from './tenancy.events.ts';
import { wallCommands, wallNotifications } from './wall.events.ts';
import { writeOffCommands, writeOffReportCommands } from './write-off.events.ts';

/**
 * The whole real-time contract: every command a client (POS, wall, tablet, back office, hub)
 * may send, and every notification the server may push. Each domain adds its map here.
 */
export const clientCommands = {
  ...tenancyCommands,
  ...catalogCommands,
  ...inventoryCommands,
  ...purchasingCommands,
  ...cashCommands,
  ...salesCommands,
  ...parkedTicketCommands,
  ...hardwareCommands,
  ...hardwareScreenCommands,
  ...siiCommands,
  ...wallCommands,
  ...salesHistoryCommands,
  ...cashHistoryCommands,
  ...inventoryValuationCommands,
  ...purchasingHistoryCommands,
  ...reportingCommands,
  ...writeOffCommands,
  ...writeOffReportCommands,
  ...promotionCommands,
  ...accountCommands,
  ...storeNodeCommands,
  ...storeNodeTillCommands,
  ...storeNodeScreenCommands,
};

export const serverNotifications = {
  ...tenancyNotifications,
  ...catalogNotifications,
  ...inventoryNotifications,
  ...cashNotifications,
  ...salesNotifications,
  ...parkedTicketNotifications,
  ...hardwareNotifications,
  ...siiNotifications,
  ...wallNotifications,
  ...promotionNotifications,
  ...nodeStateNotifications,
  ...storeNodeNotifications,
};

/** Requests the server sends to one client and waits for its answer (hub print jobs, drawer kicks). */
export const serverRequests = {
  ...hardwareRequests,
};

export type ClientCommands = typeof clientCommands;
export type CommandName = keyof ClientCommands;
export type ServerNotifications = typeof serverNotifications;

export type ClientToServerEvents = CommandEvents<ClientCommands>;
export type ServerToClientEvents = NotificationEvents<ServerNotifications> &
  RequestEvents<typeof serverRequests>;
