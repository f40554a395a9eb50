/**
 * The configuration used when no file is given and there is no ./config.yml: everything embedded,
 * no server needed. Data lands under ./data, replicated to a SQLite file and a folder.
 */
export const DEFAULT_CONFIG_YAML = `
listen: 127.0.0.1:8080
base_info:
  title: Staunch
targets:
  - sqlite://./data/staunch.db
  - file://./data/records
components:
  - name: Website
    group: Public
    description: The public web site
  - name: API
    group: Public
    description: The public REST API
  - name: Database
    group: Internal
    description: The primary database cluster
`;
