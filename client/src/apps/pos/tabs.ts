/** The grid's first tab: the terminal's favourites (no category can have this name). */
export const FAVOURITES_TAB = '\u0000favourites';
