/** What feed readers and README badges fetch: RSS, Atom and iCal feeds, and the SVG badges. */
export { badgeRoutes } from './badges.ts';
export { feedRoutes } from './feeds.ts';
