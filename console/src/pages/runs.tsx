import { PageHeader } from '../components/ui';

/** Placeholder: the Runs page is built on this shell by another change (#17). */
export function RunsPage() {
  return (
    <>
      <PageHeader title="Runs" />
      <p>Coming soon.</p>
    </>
  );
}
