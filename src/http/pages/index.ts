/**
 * The public pages' face: their routes, and the two pages other surfaces answer with (the
 * HTML 404 and the unsubscribe outcome of statusetat's `/v1` link).
 */
export { notFoundPage, publicPages, unsubscribePage } from './routes.tsx';
