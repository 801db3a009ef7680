import type { FunctionComponent } from 'preact';
import type { PageProps } from './router';
import { AppStorePage } from './pages/app-store';
import { ConnectionPage } from './pages/connection';
import { InstallPage } from './pages/install';
import { InstalledPage } from './pages/installed';
import { LogsPage } from './pages/logs';
import { NewRecipePage, RecipePage, RecipesPage } from './pages/recipes';
import { RunPage, RunsPage } from './pages/runs';
import { TokensPage } from './pages/tokens';

export interface PageRoute {
  /** `/apps/:id`: segments starting with `:` are parameters. First match wins. */
  path: string;
  page: FunctionComponent<PageProps>;
  /** Shown in the navigation when set; the entry is current for this path and those below it. */
  nav?: string;
}

/** The console's pages. To add one: a file in pages/, one line here (see console/README.md). */
export const routes: PageRoute[] = [
  { path: '/apps/store', page: AppStorePage, nav: 'App Store' },
  { path: '/apps/store/:connector', page: InstallPage },
  { path: '/apps', page: InstalledPage, nav: 'Installed apps' },
  { path: '/apps/:id', page: ConnectionPage },
  { path: '/recipes', page: RecipesPage, nav: 'Recipes' },
  { path: '/recipes/new', page: NewRecipePage },
  { path: '/recipes/:id', page: RecipePage },
  { path: '/runs', page: RunsPage, nav: 'Runs' },
  { path: '/runs/:id', page: RunPage },
  { path: '/logs', page: LogsPage, nav: 'Logs' },
  { path: '/tokens', page: TokensPage, nav: 'API tokens' },
];

/** Where `/` (and signing in) leads. */
export const home = '/apps/store';
