// Policy validation, ported from kubernetes/apiserver pkg/apis/audit/validation/validation.go (L28-133).
// Errors are collected, never short-circuited, in upstream's order, with upstream's paths and texts.
import { LEVELS, STAGES } from '../event/types';
import type { FieldError } from '../errors';
import { invalid, notSupported, required } from './field-errors';
import type { DecodedPolicy, DecodedRule } from './decode';
import type { GroupResources } from './types';

export function validatePolicy(policy: Pick<DecodedPolicy, 'omitStages' | 'rules'>): FieldError[] {
  const errors = validateOmitStages(policy.omitStages, 'omitStages');
  policy.rules.forEach((rule, i) => errors.push(...validateRule(rule, `rules[${i}]`)));
  return errors;
}

export function validateRule(rule: DecodedRule, path: string): FieldError[] {
  const errors = [
    ...validateLevel(rule.level, `${path}.level`),
    ...validateNonResourceURLs(rule.nonResourceURLs, `${path}.nonResourceURLs`),
    ...validateResources(rule.resources, `${path}.resources`),
    ...validateOmitStages(rule.omitStages, `${path}.omitStages`),
  ];
  if (rule.nonResourceURLs.length > 0 && (rule.resources.length > 0 || rule.namespaces.length > 0)) {
    errors.push(invalid(`${path}.nonResourceURLs`, rule.nonResourceURLs,
      'rules cannot apply to both regular resources and non-resource URLs'));
  }
  return errors;
}

function validateLevel(level: string, path: string): FieldError[] {
  if ((LEVELS as readonly string[]).includes(level)) return [];
  return level === '' ? [required(path)] : [notSupported(path, level, LEVELS)];
}

function validateNonResourceURLs(urls: readonly string[], path: string): FieldError[] {
  const errors: FieldError[] = [];
  urls.forEach((url, i) => {
    if (url === '*') return;
    if (!url.startsWith('/')) {
      errors.push(invalid(`${path}[${i}]`, url, "non-resource URL rules must begin with a '/' character"));
    }
    if (url !== '' && url.slice(0, -1).includes('*')) {
      errors.push(invalid(`${path}[${i}]`, url, "non-resource URL wildcards '*' must be the final character of the rule"));
    }
  });
  return errors;
}

// Upstream builds these paths without the entry's index (validation.go L107, L112); kube's text is kept and
// the precise entry rides along in `location`.
function validateResources(groups: readonly GroupResources[], path: string): FieldError[] {
  const errors: FieldError[] = [];
  groups.forEach((gr, k) => {
    if (gr.group !== '' && gr.group !== '*') {
      const msgs = dns1123SubdomainErrors(gr.group);
      if (msgs.length > 0) errors.push(invalid(`${path}.group`, gr.group, msgs.join(','), `${path}[${k}].group`));
    }
    if (gr.resourceNames.length > 0 && gr.resources.length === 0) {
      errors.push(invalid(`${path}.resourceNames`, gr.resourceNames, 'using resourceNames requires at least one resource',
        `${path}[${k}].resourceNames`));
    }
  });
  return errors;
}

function validateOmitStages(stages: readonly string[], path: string): FieldError[] {
  const errors: FieldError[] = [];
  stages.forEach((stage, i) => {
    if (!(STAGES as readonly string[]).includes(stage)) {
      errors.push(invalid(`${path}[${i}]`, stage, `allowed stages are ${STAGES.join(',')}`));
    }
  });
  return errors;
}

// apimachinery pkg/util/validation/validation.go IsDNS1123Subdomain.
const DNS1123_SUBDOMAIN_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);
const DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', " +
  `and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${DNS1123_SUBDOMAIN_FMT}')`;

function dns1123SubdomainErrors(value: string): string[] {
  const errors: string[] = [];
  if (Buffer.byteLength(value, 'utf8') > 253) errors.push('must be no more than 253 characters');
  if (!DNS1123_SUBDOMAIN.test(value)) errors.push(DNS1123_SUBDOMAIN_MSG);
  return errors;
}
