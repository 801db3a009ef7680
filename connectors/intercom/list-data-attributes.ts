import { z } from 'zod';
import { defineAction } from './auth';

const dataAttribute = z.looseObject({
  name: z.string(),
  full_name: z.string().optional(),
  label: z.string().nullish(),
  data_type: z.string(),
  api_writable: z.boolean().optional(),
  custom: z.boolean().optional(),
  archived: z.boolean().optional(),
  options: z.array(z.string()).nullish(),
});

/**
 * GET /data_attributes?model=contact|company: the workspace's standard and custom attributes with
 * their data type and whether the API may write them — what a sync's field mapping is checked
 * against. Custom attributes are addressed as `custom_attributes.<name>` (their `full_name`).
 */
export const listDataAttributes = defineAction({
  description: 'Lists the attributes of contacts or companies (standard and custom): name, data type, whether the API can write them.',
  input: z.object({ model: z.enum(['contact', 'company']).default('contact'), includeArchived: z.boolean().default(false) }),
  output: z.object({
    attributes: z.array(
      z.object({
        name: z.string(),
        /** The path a mapping uses: `email`, `custom_attributes.plan_type`. */
        fullName: z.string(),
        label: z.string(),
        dataType: z.string(),
        apiWritable: z.boolean(),
        custom: z.boolean(),
        options: z.array(z.string()).optional(),
      }),
    ),
  }),
  effect: { kind: 'none' },
  sample: { attributes: [{ name: 'email', fullName: 'email', label: 'Email', dataType: 'string', apiWritable: true, custom: false }] },
  request: (i) => ({ method: 'GET', path: '/data_attributes', query: { model: i.model, include_archived: String(i.includeArchived) } }),
  respond(res, i) {
    const { data } = z.object({ data: z.array(dataAttribute) }).parse(res.body);
    return {
      attributes: data
        .filter((a) => i.includeArchived || a.archived !== true)
        .map((a) => ({
          name: a.name,
          fullName: a.full_name ?? (a.custom ? `custom_attributes.${a.name}` : a.name),
          label: a.label ?? a.name,
          dataType: a.data_type,
          apiWritable: a.api_writable !== false,
          custom: a.custom === true,
          ...(a.options ? { options: a.options } : {}),
        })),
    };
  },
});
