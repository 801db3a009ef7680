import { PageHeader } from '../components/ui';

/** Placeholder: the Recipes page is built on this shell by another change (#17). */
export function RecipesPage() {
  return (
    <>
      <PageHeader title="Recipes" />
      <p>Coming soon.</p>
    </>
  );
}
