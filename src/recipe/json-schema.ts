import { z } from 'zod';
import { fullRecipeSchema } from './schema';
import { syncSchema } from './sync-schema';

/** The recipe JSON Schema (draft 2020-12), generated from the zod schema, for editors. */
export function recipeJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(fullRecipeSchema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://switchyard.dev/schemas/recipe-v1.json', title: 'Switchyard recipe (v1)' };
}

/** The sync definition JSON Schema (`"kind": "sync"`), generated from its zod schema. */
export function syncJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(syncSchema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' }) as Record<string, unknown>;
  return { ...schema, $id: 'https://switchyard.dev/schemas/sync-v1.json', title: 'Switchyard sync (v1)' };
}
