import { quietTemporal } from './temporal-logs';

// Every integration test file starts with the Temporal SDK's logs (the core's included) routed
// through a test logger at SWITCHYARD_TEST_LOG_LEVEL, silent by default, before any file-level
// connection installs the SDK's default console logger.
quietTemporal();
