import { PageHeader } from '../components/ui';
import { Link } from '../router';
import { home } from '../routes';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Not found" />
      <p>
        The console has no page at {location.pathname}. <Link href={home}>Go to the App Store</Link>.
      </p>
    </>
  );
}
