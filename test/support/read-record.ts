// Reads one record through a driver in a process of its own: proves that what one process
// wrote is visible to another (the contract's cross-process check).
import type { DriverModule } from '../../storage-drivers/types.ts';

const [driverName, uri, kind, id] = process.argv.slice(2);
if (!driverName || !uri || !kind || !id) {
  console.error('usage: read-record.ts <driver> <uri> <kind> <id>');
  process.exit(2);
}
const { default: driverModule } = (await import(`../../storage-drivers/${driverName}.ts`)) as {
  default: DriverModule;
};
const driver = driverModule.create(new URL(uri));
try {
  await driver.init();
  process.stdout.write(JSON.stringify(await driver.get(kind, id)));
} finally {
  await driver.close();
}
