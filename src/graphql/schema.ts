import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { builder } from './builder.js';
import './types/index.js';

export const schema: GraphQLSchema = builder.toSchema();

/** The SDL as checked in at `schema/schema.graphql`: sorted, so the file only changes when the schema does. */
export function printSortedSchema(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}
