import type { ConnectorCategory } from '../../../connectors/sdk/types';

/** The App Store's categories in the order shown (the six Intercom App Store ones, then Marketing). */
export const categories = ['CRM', 'Communication', 'Analytics', 'Support', 'Productivity', 'Automation', 'Marketing'] as const satisfies readonly ConnectorCategory[];
type Unlisted = Exclude<ConnectorCategory, (typeof categories)[number]>;
const _everyCategoryListed: [Unlisted] extends [never] ? true : Unlisted = true;
