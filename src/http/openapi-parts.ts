/** What every part of `/api/openapi.json` builds its operations from. */
import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

export const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    io,
    target: 'draft-2020-12',
    unrepresentable: 'any',
  }) as JsonSchema;
  return rest;
};

const ERROR_REF = { $ref: '#/components/schemas/Error' };
export const errorReply = (description: string) => ({
  description,
  content: { 'application/json': { schema: ERROR_REF } },
});

export const jsonReply = (description: string, schema: z.ZodType) => ({
  description,
  content: { 'application/json': { schema: schemaOf(schema, 'output') } },
});
