import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { consoleDist } from '../../src/http/console';

const root = path.resolve(__dirname, '..', '..');

/** Debian's chromium (CHROMIUM_PATH, else the one on PATH): playwright-core downloads no browser. */
function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('no chromium on PATH: apt-get install -y chromium (or set CHROMIUM_PATH)');
  }
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

/** `npm ci` builds the console (prepare); a checkout that skipped it gets the build here. */
export function ensureConsoleBuilt(): void {
  if (!existsSync(path.join(consoleDist, 'index.html'))) execFileSync('npm', ['run', 'build:console'], { cwd: root, stdio: 'inherit' });
}

/**
 * Where screenshots go: docs/console/ when SWITCHYARD_SCREENSHOTS=1 (to refresh the README's
 * pictures), a temporary folder otherwise (still taken, so the page renders).
 */
export function screenshotter(): (page: Page, name: string) => Promise<void> {
  const dir = process.env.SWITCHYARD_SCREENSHOTS === '1' ? path.join(root, 'docs', 'console') : mkdtempSync(path.join(tmpdir(), 'switchyard-shots-'));
  mkdirSync(dir, { recursive: true });
  return async (page, name) => {
    await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: false });
  };
}

/** A fresh browser context at the console (1280×860, 15 s default waits), signed in with `token`: the App Store is showing. */
export async function signedInPage(browser: Browser, baseURL: string, token: string): Promise<Page> {
  const context = await browser.newContext({ baseURL, viewport: { width: 1280, height: 860 } });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  await page.goto('/');
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'App Store' }).waitFor();
  return page;
}
