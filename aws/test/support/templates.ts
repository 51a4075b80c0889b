/**
 * Reads the CloudFormation templates (YAML with short-form intrinsic functions such as !Ref and
 * !Sub) into plain objects in their long form ({ Ref }, { 'Fn::Sub' }), and evaluates intrinsic
 * functions with sample values, so tests can look at a task definition's environment as a task
 * would receive it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, type ScalarTag, type CollectionTag } from 'yaml';
import { STACKS, TEMPLATES_DIR, type StackKey } from '../../scripts/lib/stacks';

export type Node = unknown;
export interface Resource {
  readonly Type: string;
  readonly Condition?: string;
  readonly Properties?: Record<string, Node>;
  readonly Metadata?: Record<string, Node>;
}
export interface Template {
  readonly Parameters?: Record<string, { Type: string; Default?: string | number }>;
  readonly Rules?: Record<string, { RuleCondition?: Node; Assertions: { Assert: Node; AssertDescription?: string }[] }>;
  readonly Conditions?: Record<string, Node>;
  readonly Resources: Record<string, Resource>;
  readonly Outputs?: Record<string, { Value: Node; Condition?: string; Export?: { Name: Node } }>;
}

const FUNCTIONS = ['Base64', 'Cidr', 'FindInMap', 'GetAZs', 'ImportValue', 'Join', 'Select', 'Split', 'Sub'];
const FUNCTIONS_WITH_CONDITIONS = ['And', 'Equals', 'If', 'Not', 'Or'];

function intrinsicTags(): (ScalarTag | CollectionTag)[] {
  const tags: (ScalarTag | CollectionTag)[] = [
    { tag: '!Ref', resolve: (value: string) => ({ Ref: value }) },
    { tag: '!Condition', resolve: (value: string) => ({ Condition: value }) },
    {
      tag: '!GetAtt',
      resolve: (value: string) => {
        const dot = value.indexOf('.');
        return { 'Fn::GetAtt': [value.slice(0, dot), value.slice(dot + 1)] };
      },
    },
  ];
  for (const name of [...FUNCTIONS, ...FUNCTIONS_WITH_CONDITIONS]) {
    const key = `Fn::${name}`;
    tags.push({ tag: `!${name}`, resolve: (value: string) => ({ [key]: value }) });
    for (const collection of ['seq', 'map'] as const) {
      tags.push({
        tag: `!${name}`,
        collection,
        resolve: (value) => ({ [key]: value.toJSON() }),
      } as CollectionTag);
    }
  }
  return tags;
}

export function readTemplate(file: string): Template {
  const text = readFileSync(path.join(TEMPLATES_DIR, file), 'utf8');
  return parse(text, { customTags: intrinsicTags(), maxAliasCount: 0 }) as Template;
}

export function templateFiles(): string[] {
  return readdirSync(TEMPLATES_DIR).filter((file) => file.endsWith('.yaml'));
}

export function templateOf(key: StackKey): Template {
  const stack = STACKS.find((candidate) => candidate.key === key);
  if (!stack) throw new Error(`no stack ${key}`);
  return readTemplate(stack.template);
}

/** Every node of a template (depth first), to find intrinsic functions wherever they are. */
export function* walk(node: Node): Generator<Node> {
  yield node;
  if (Array.isArray(node)) for (const item of node) yield* walk(item);
  else if (node && typeof node === 'object') for (const value of Object.values(node)) yield* walk(value);
}

/** Sample values for evaluating a template: parameters, other stacks' exports, resources' refs. */
export interface Scope {
  readonly parameters: Readonly<Record<string, string>>;
  readonly imports: Readonly<Record<string, string>>;
  readonly template: Template;
}

const PSEUDO: Record<string, string> = {
  'AWS::Region': 'eu-west-1',
  'AWS::AccountId': '123456789012',
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'sample-stack',
};

function parameterValue(name: string, scope: Scope): string {
  const given = scope.parameters[name];
  if (given !== undefined) return given;
  const declared = scope.template.Parameters?.[name];
  if (declared?.Default !== undefined) return String(declared.Default);
  throw new Error(`parameter ${name} has no value and no default`);
}

function reference(name: string, scope: Scope): string | undefined {
  if (name === 'AWS::NoValue') return undefined; // the property is left out (see evaluate)
  if (name in PSEUDO) return PSEUDO[name] ?? '';
  if (scope.template.Parameters?.[name]) return parameterValue(name, scope);
  if (scope.template.Resources[name]) return `sample-${name}`;
  throw new Error(`!Ref ${name}: neither a parameter nor a resource`);
}

export function condition(name: string, scope: Scope): boolean {
  const definition = scope.template.Conditions?.[name];
  if (definition === undefined) throw new Error(`no condition ${name}`);
  return Boolean(evaluate(definition, scope));
}

/** Evaluates intrinsic functions with the scope's samples; a resource's attribute is a sample string. */
export function evaluate(node: Node, scope: Scope): unknown {
  if (Array.isArray(node)) return node.map((item) => evaluate(item, scope));
  if (!node || typeof node !== 'object') return node;
  const entries = Object.entries(node);
  const [key, value] = entries[0] ?? [];
  if (entries.length === 1 && key !== undefined) {
    const args = value as Node[];
    switch (key) {
      case 'Ref':
        return reference(String(value), scope);
      case 'Condition':
        return condition(String(value), scope);
      case 'Fn::GetAtt':
        return `sample-${args.join('.')}`;
      case 'Fn::ImportValue': {
        const name = String(evaluate(value, scope));
        const imported = scope.imports[name];
        if (imported === undefined) throw new Error(`no sample for the import ${name}`);
        return imported;
      }
      case 'Fn::Sub':
        return substitute(value, scope);
      case 'Fn::Join':
        return (evaluate(args[1], scope) as unknown[]).join(String(args[0]));
      case 'Fn::Split':
        return String(evaluate(args[1], scope)).split(String(args[0]));
      case 'Fn::Select':
        return (evaluate(args[1], scope) as unknown[])[Number(evaluate(args[0], scope))];
      case 'Fn::If':
        return condition(String(args[0]), scope) ? evaluate(args[1], scope) : evaluate(args[2], scope);
      case 'Fn::Equals':
        return String(evaluate(args[0], scope)) === String(evaluate(args[1], scope));
      case 'Fn::Not':
        return !evaluate(args[0], scope);
      case 'Fn::And':
        return args.every((item) => evaluate(item, scope));
      case 'Fn::Or':
        return args.some((item) => evaluate(item, scope));
    }
  }
  return Object.fromEntries(
    entries.map(([name, item]) => [name, evaluate(item, scope)]).filter(([, value]) => value !== undefined),
  );
}

function substitute(value: Node, scope: Scope): string {
  const [text, variables] = Array.isArray(value) ? (value as [string, Record<string, Node>]) : [String(value), {}];
  return text.replace(/\$\{([^}!][^}]*)\}/g, (_match, name: string) => {
    if (name in variables) return String(evaluate(variables[name], scope));
    if (name.includes('.')) return `sample-${name}`;
    return reference(name, scope) ?? '';
  });
}
