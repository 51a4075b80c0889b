#!/usr/bin/env node
/**
 * A stand-in for the programs the deploy tool drives (aws, docker, git), for
 * aws/test/deploy-tool.test.ts: each call is appended to $FAKE_CLI_LOG as one JSON line, and
 * answered from $FAKE_CLI_STATE (stack outputs by stack name, which stacks exist). No network.
 * `aws s3 cp s3://… <dir>` copies recorded results: the folder of the first `state.results` entry
 * whose `match` (a regular expression) the S3 source matches. An argument `file://<path>` (the
 * tool's private files: task overrides, secret values) is logged and read as the file's content.
 * Optional state: `stackStatus` and `stackEvents` by stack name, `services` (ECS describe-services),
 * `taskRunsForever`, `secrets` (name → { ARN, SecretString }), `snapshots` (RDS), `leftSecrets`,
 * `clusters` (the ECS clusters there are; by default the one of each services stack that was created),
 * `failing` (command, e.g. "ecs describe-services" → the error it fails with).
 *
 * Usage (through the wrappers the test writes): fake-cli.js PROGRAM ARGS...
 */
'use strict';
const { appendFileSync, cpSync, existsSync, readFileSync, writeFileSync } = require('node:fs');

const statePath = process.env.FAKE_CLI_STATE;
const state = JSON.parse(readFileSync(statePath, 'utf8'));
const given = process.argv.slice(2);
/** The options whose value came in a file (`state.fileOptions`, for the tests). */
const fileOptions = given.filter((arg, index) => given[index + 1]?.startsWith('file://'));
const [program, ...args] = given.map((arg) =>
  arg.startsWith('file://') && existsSync(arg.slice(7)) ? readFileSync(arg.slice(7), 'utf8') : arg,
);
appendFileSync(process.env.FAKE_CLI_LOG, `${JSON.stringify([program, ...args])}\n`);

const option = (name) => args[args.indexOf(name) + 1];
const answer = (value) => {
  process.stdout.write(typeof value === 'string' ? value : JSON.stringify(value));
  process.exit(0);
};
const fail = (message, code = 255) => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};
const save = () => writeFileSync(statePath, JSON.stringify(state));
if (fileOptions.length > 0) {
  state.fileOptions = [...new Set([...(state.fileOptions ?? []), ...fileOptions])];
  save();
}

if (program === 'git') {
  if (args[0] === 'rev-parse') answer('abcdef123456\n');
  answer('');
}
if (program === 'docker') answer('');
if (program !== 'aws') fail(`fake-cli: unknown program ${program}`);

const command = `${args[0]} ${args[1]}`;
if (state.failing?.[command]) fail(state.failing[command], 254);
switch (command) {
  case '--version undefined':
    answer('aws-cli/2.0.0 fake\n');
    break;
  case 'configure get':
    fail('', 1);
    break;
  case 'sts get-caller-identity':
    if (state.credentials === false) fail('Unable to locate credentials.');
    answer({ Account: '123456789012' });
    break;
  case 'cloudformation describe-stacks': {
    const name = option('--stack-name');
    if (!state.deployed.includes(name))
      fail(`An error occurred (ValidationError): Stack with id ${name} does not exist`);
    const outputs = Object.entries(state.outputs[name] ?? {}).map(([OutputKey, OutputValue]) => ({
      OutputKey,
      OutputValue,
    }));
    const parameters = Object.entries(state.parameters[name] ?? {}).map(([ParameterKey, ParameterValue]) => ({
      ParameterKey,
      ParameterValue,
    }));
    const status = state.stackStatus?.[name] ?? 'CREATE_COMPLETE';
    answer({ Stacks: [{ StackStatus: status, Outputs: outputs, Parameters: parameters }] });
    break;
  }
  case 'cloudformation describe-stack-events':
    answer({ StackEvents: state.stackEvents?.[option('--stack-name')] ?? [] });
    break;
  case 'cloudformation deploy': {
    const name = option('--stack-name');
    const overrides = args.slice(args.indexOf('--parameter-overrides') + 1).filter((arg) => /^\w+=/.test(arg));
    state.parameters[name] = {
      ...state.parameters[name],
      ...Object.fromEntries(
        overrides.map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
      ),
    };
    if (!state.deployed.includes(name)) state.deployed.push(name);
    if (state.stackStatus) delete state.stackStatus[name];
    save();
    answer('');
    break;
  }
  case 'cloudformation delete-stack':
    state.deployed = state.deployed.filter((name) => name !== option('--stack-name'));
    state.parameters[option('--stack-name')] = {};
    save();
    answer('');
    break;
  case 'ecs describe-services': {
    // The cluster is the services stack's: there while that stack is deployed and its creation was
    // not rolled back (or never carried out), unless `state.clusters` lists the clusters there are.
    const cluster = option('--cluster');
    const stack = `${cluster}-services`;
    const created = !['ROLLBACK_COMPLETE', 'REVIEW_IN_PROGRESS'].includes(state.stackStatus?.[stack]);
    const exists = state.clusters ? state.clusters.includes(cluster) : state.deployed.includes(stack) && created;
    if (!exists) {
      fail(
        'An error occurred (ClusterNotFoundException) when calling the DescribeServices operation: Cluster not found.',
        254,
      );
    }
    answer({ services: state.services ?? [], failures: [] });
    break;
  }
  case 'ecs stop-task':
  case 'rds wait':
    answer('');
    break;
  case 'secretsmanager describe-secret': {
    const secret = (state.secrets ?? {})[option('--secret-id')];
    if (!secret)
      fail("An error occurred (ResourceNotFoundException): Secrets Manager can't find the specified secret.");
    answer({ ARN: secret.ARN, Name: option('--secret-id') });
    break;
  }
  case 'secretsmanager get-secret-value': {
    const secret = (state.secrets ?? {})[option('--secret-id')];
    if (!secret)
      fail("An error occurred (ResourceNotFoundException): Secrets Manager can't find the specified secret.");
    answer({ ARN: secret.ARN, SecretString: secret.SecretString });
    break;
  }
  case 'secretsmanager create-secret': {
    const name = option('--name');
    const ARN = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:${name}-AbCdEf`;
    state.secrets = { ...state.secrets, [name]: { ARN, SecretString: option('--secret-string') } };
    save();
    answer({ ARN, Name: name });
    break;
  }
  case 'secretsmanager delete-secret':
    if (!(state.secrets ?? {})[option('--secret-id')]) fail('An error occurred (ResourceNotFoundException)');
    delete state.secrets[option('--secret-id')];
    save();
    answer('');
    break;
  case 'secretsmanager list-secrets':
    answer({ SecretList: state.leftSecrets ?? [] });
    break;
  case 'rds describe-db-snapshots': {
    const id = option('--db-snapshot-identifier');
    if (!args.includes('--db-snapshot-identifier')) answer({ DBSnapshots: state.snapshots ?? [] });
    const found = (state.snapshots ?? []).filter((snapshot) => snapshot.DBSnapshotIdentifier === id);
    if (found.length === 0) {
      fail(
        `An error occurred (DBSnapshotNotFound) when calling the DescribeDBSnapshots operation: DBSnapshot ${id} not found.`,
        254,
      );
    }
    answer({ DBSnapshots: found });
    break;
  }
  case 'rds copy-db-snapshot':
    if (state.snapshots.some((s) => s.DBSnapshotIdentifier === option('--target-db-snapshot-identifier'))) {
      fail('An error occurred (DBSnapshotAlreadyExists) when calling the CopyDBSnapshot operation', 254);
    }
    state.snapshots.push({
      DBSnapshotIdentifier: option('--target-db-snapshot-identifier'),
      KmsKeyId: option('--kms-key-id'),
      Status: 'available',
    });
    save();
    answer('');
    break;
  case 'rds delete-db-snapshot':
    state.snapshots = state.snapshots.filter((s) => s.DBSnapshotIdentifier !== option('--db-snapshot-identifier'));
    save();
    answer('');
    break;
  case 'kms describe-key':
    answer({ KeyMetadata: { KeyState: 'PendingDeletion', DeletionDate: '2026-12-07T12:00:00Z' } });
    break;
  case 'logs describe-log-groups':
    answer({ logGroups: [] });
    break;
  case 'cloudformation wait':
  case 'ecs wait':
  case 'ecs update-service':
  case 's3 rm':
  case 'logs delete-log-group':
    answer('');
    break;
  case 's3 cp': {
    const [source, destination] = args.slice(2).filter((arg) => !arg.startsWith('--'));
    const recorded = (state.results ?? []).find(({ match }) => new RegExp(match).test(source));
    if (source.startsWith('s3://') && recorded) cpSync(recorded.dir, destination, { recursive: true });
    answer('');
    break;
  }
  case 'ecr get-login-password':
    answer('fake-password');
    break;
  case 'ecr describe-images':
    fail('An error occurred (ImageNotFoundException)', 254);
    break;
  case 'kafka get-bootstrap-brokers':
    answer({ BootstrapBrokerStringSaslIam: 'b-1.fake.kafka.eu-west-1.amazonaws.com:9098' });
    break;
  case 'ecs run-task':
    answer({ tasks: [{ taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/ecom/0123abcd' }], failures: [] });
    break;
  case 'ecs describe-tasks':
    if (state.taskRunsForever) answer({ tasks: [{ lastStatus: 'RUNNING', containers: [] }] });
    answer({
      tasks: [
        {
          lastStatus: 'STOPPED',
          containers: (state.containers ?? ['main']).map((name) => ({ name, exitCode: state.exitCode ?? 0 })),
        },
      ],
    });
    break;
  default:
    fail(`fake-cli: no answer for aws ${command}`);
}
