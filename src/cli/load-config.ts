import { ConfigError, parseConfig, type Config } from '../config/config';

/** Parses the environment once; a bad value ends the process before anything starts, one line per variable. */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const problem of err.problems) console.error(`switchyard: ${problem}`);
      process.exit(2);
    }
    throw err;
  }
}
