/**
 * Authorized-operations bit fields of Metadata / DescribeCluster / DescribeGroups (KIP-430).
 * Without an authorizer every operation a resource type supports is allowed.
 */
export const AclOperation = {
  READ: 3, WRITE: 4, CREATE: 5, DELETE: 6, ALTER: 7, DESCRIBE: 8, CLUSTER_ACTION: 9,
  DESCRIBE_CONFIGS: 10, ALTER_CONFIGS: 11, IDEMPOTENT_WRITE: 12, CREATE_TOKENS: 13, DESCRIBE_TOKENS: 14,
} as const;

/** The value of an authorized-operations field the client did not ask for (Integer.MIN_VALUE). */
export const AUTHORIZED_OPERATIONS_OMITTED = -2147483648;

function bits(ops: number[]): number {
  return ops.reduce((acc, op) => acc | (1 << op), 0);
}

const O = AclOperation;
export const TOPIC_OPERATIONS = bits([O.READ, O.WRITE, O.CREATE, O.DELETE, O.ALTER, O.DESCRIBE, O.DESCRIBE_CONFIGS, O.ALTER_CONFIGS]);
export const CLUSTER_OPERATIONS = bits([O.CREATE, O.ALTER, O.DESCRIBE, O.CLUSTER_ACTION, O.DESCRIBE_CONFIGS, O.ALTER_CONFIGS, O.IDEMPOTENT_WRITE, O.CREATE_TOKENS, O.DESCRIBE_TOKENS]);
export const GROUP_OPERATIONS = bits([O.READ, O.DELETE, O.DESCRIBE]);
