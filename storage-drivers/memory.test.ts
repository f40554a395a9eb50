import { describeStorageDriver } from './_contract.ts';
import memory from './memory.ts';

let counter = 0;
describeStorageDriver({
  name: 'memory',
  module: memory,
  freshTarget: async () => new URL(`memory://contract-${process.pid}-${++counter}`),
  sharedAcrossProcesses: false,
});
