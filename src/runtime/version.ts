/** The running version, shown by /healthz and `staunch --version`. */
export const VERSION = '0.1.0';
