/** What a form's "Preview" button shows: the title and message rendered as the status page will. */
import { md, mdInline } from '../site/page-model.ts';
import type { Preview } from './fields.tsx';

export const previewOf = (values: { title: string; message: string }): Preview => ({
  titleHtml: mdInline(values.title),
  messageHtml: md(values.message),
});
