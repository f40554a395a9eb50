/** `staunch agent`: the in-cluster agent (loads @kubernetes/client-node only when run). */
export { agentCommand } from '../agent/command.ts';
