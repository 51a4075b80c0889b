/**
 * docker-compose.yml's broker and database against the local ones: the Kafka container runs with
 * infrastructure/kafka/server.properties and MySQL with infrastructure/mysql/my.cnf.
 */
import { commandOf, environmentOf } from './support/compose';
import { compose } from './support/compose-services';
import { parseKeyValueLines, readRepoFile } from './support/repo';

describe('docker-compose.yml services: the same broker and database settings as locally', () => {
  it('when compared with infrastructure/kafka/server.properties, then the broker is configured the same', () => {
    const local = parseKeyValueLines(readRepoFile('infrastructure/kafka/server.properties'));
    const broker = environmentOf(compose.services['kafka']!);
    // Addresses differ by nature: the container's names and its extra listener for the host.
    const differByNature = new Set(['controller.quorum.voters', 'listener.security.protocol.map']);

    for (const [key, value] of local) {
      if (differByNature.has(key)) continue;
      const variable = `KAFKA_${key.replace(/_/g, '__').replace(/-/g, '___').replace(/\./g, '_').toUpperCase()}`;
      expect({ key, value: broker[variable] }).toEqual({ key, value });
    }
    expect(compose.services['kafka']!.image).toMatch(/^apache\/kafka:3\./);
    expect(readRepoFile('infrastructure/kafka/pom.xml')).toContain(
      `<kafka.version>${compose.services['kafka']!.image!.split(':')[1]}</kafka.version>`,
    );
  });

  it('when compared with infrastructure/mysql/my.cnf, then MySQL runs with the same settings', () => {
    const local = parseKeyValueLines(readRepoFile('infrastructure/mysql/my.cnf'), 'mariadbd');
    const flags = new Map(
      (commandOf(compose.services['mysql']!) ?? []).map((flag) => {
        const [key = '', value = ''] = flag.replace(/^--/, '').split('=', 2);
        return [key.replace(/-/g, '_'), flag.includes('=') ? flag.slice(flag.indexOf('=') + 1) : value];
      }),
    );
    // MySQL 8.0.30+ sizes the redo log with innodb_redo_log_capacity and deprecates this one.
    const notInMysql8 = new Set(['innodb_log_file_size']);

    for (const [key, value] of local) {
      if (notInMysql8.has(key)) continue;
      const expected = ['skip_name_resolve', 'skip_log_bin'].includes(key) ? '' : value;
      expect({ key, value: flags.get(key) }).toEqual({ key, value: expected });
    }
  });
});
