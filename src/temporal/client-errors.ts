import { isGrpcServiceError } from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';

/**
 * What a failed Temporal client call means for the operator:
 * - `unavailable`: Temporal did not answer (down, unreachable, overloaded, deadline) — retry later;
 * - `misconfigured`: Temporal answered, but the namespace or one of the engine's search attributes is missing — `switchyard setup` fixes it;
 * - `permission_denied`: the cluster refused the credentials for this operation.
 */
type TemporalProblemKind = 'unavailable' | 'misconfigured' | 'permission_denied';

export interface TemporalProblem {
  kind: TemporalProblemKind;
  /** One line naming what is wrong and, where we know it, the fix. */
  message: string;
}

// gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html).
const CANCELLED = 1;
const INVALID_ARGUMENT = 3;
const DEADLINE_EXCEEDED = 4;
const NOT_FOUND = 5;
const PERMISSION_DENIED = 7;
const RESOURCE_EXHAUSTED = 8;
const UNAVAILABLE = 14;
const UNAUTHENTICATED = 16;

/**
 * Classifies an error from a Temporal client call (the SDK wraps the gRPC error in `cause`);
 * undefined when it is not about reaching or using the cluster (e.g. a workflow already started).
 * `operation` names what was attempted ("start runs", "list runs") for the permission message.
 */
export function classifyTemporalError(err: unknown, operation: string): TemporalProblem | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof NamespaceNotFoundError) return missingNamespace(e.namespace);
    if (isGrpcServiceError(e)) return fromGrpc(e, operation);
    if (e instanceof Error && /Failed to connect before the deadline|ECONNREFUSED|connection refused/i.test(e.message)) {
      return { kind: 'unavailable', message: `Temporal is unreachable (${e.message})` };
    }
  }
  return undefined;
}

function fromGrpc(e: Error & { code: number; details: string }, operation: string): TemporalProblem | undefined {
  const detail = e.details || e.message;
  switch (e.code) {
    case UNAVAILABLE:
    case DEADLINE_EXCEEDED:
    case CANCELLED:
    case RESOURCE_EXHAUSTED:
      return { kind: 'unavailable', message: `Temporal did not answer (${detail})` };
    case PERMISSION_DENIED:
    case UNAUTHENTICATED:
      return { kind: 'permission_denied', message: `Temporal refused to ${operation}: ${e.code === UNAUTHENTICATED ? 'unauthenticated' : 'permission denied'} (${detail}); check the API key or client certificate and its namespace role` };
    case NOT_FOUND: {
      const namespace = /[Nn]amespace (\S+) is not found/.exec(detail)?.[1];
      return namespace ? missingNamespace(namespace) : undefined;
    }
    case INVALID_ARGUMENT: {
      const attribute = /search attribute:? (\w+)/.exec(detail)?.[1];
      return attribute
        ? { kind: 'misconfigured', message: `the Temporal namespace lacks the search attribute ${attribute} (${detail}); run \`switchyard setup\` to create the engine's search attributes` }
        : undefined;
    }
    default:
      return undefined;
  }
}

function missingNamespace(namespace: string): TemporalProblem {
  return { kind: 'misconfigured', message: `the Temporal namespace ${namespace} does not exist; create it (temporal operator namespace create --namespace ${namespace}), then run \`switchyard setup\`` };
}
