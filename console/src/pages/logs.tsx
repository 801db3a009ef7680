import { PageHeader } from '../components/ui';

/** Placeholder: the Logs page is built on this shell by another change (#17). */
export function LogsPage() {
  return (
    <>
      <PageHeader title="Logs" />
      <p>Coming soon.</p>
    </>
  );
}
