/** ASCII control bytes the serial scale protocols frame their dialogues with. */
export const SOH = 0x01;
export const STX = 0x02;
export const ETX = 0x03;
export const EOT = 0x04;
export const ENQ = 0x05;
export const ACK = 0x06;
export const CR = 0x0d;
export const DC1 = 0x11;
export const NAK = 0x15;
export const ESC = 0x1b;
