'use strict';
// Temporal loads failure converters by path: the worker require()s it and the bundler puts it
// into the workflow sandbox. Plain JavaScript, so any runtime (tsx, vitest, node) can load it.
// Messages and stack traces move into an encoded payload, which the payload codec encrypts.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
