/**
 * The pinned configuration with a guardrail, end to end: what PinnedModelConfig synthesizes (the SSM JSON and
 * MODEL_CONFIG_HASH, both carrying the guardrail's deploy-time ID and version) is resolved as CloudFormation would,
 * served by the fake SSM, and read by the bundled text invoker: the guardrail is sent with every call, and the drift
 * check agrees with the construct's hash (no warning), but warns when the guardrail version was edited by hand.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PinnedModelConfig } from '../../lib/config/pinned-model-config';
import { ContentFilterCategory, FilterStrength, Guardrail, GuardrailTrace } from '../../lib/guardrails';
import { ModelInvoker } from '../../lib/invokers/model-invoker';
import { BedrockModel } from '../../lib/models/bedrock-model';
import { NOW_CONTEXT_KEY } from '../../lib/catalog/policy';
import { loadBundledHandler, fakeAwsEnv, setEnv } from '../utils/bundled-handler';
import { StdoutCapture } from '../utils/emf';
import { FakeBedrockRuntime } from '../utils/fake-bedrock-runtime';
import { FakeSsm } from '../utils/fake-ssm';
import { lambdaContext } from '../utils/lambda-context';

const PARAM = '/bedrock/models/chat/config';
const DEPLOYED = { GuardrailId: 'gr1abc2def3g', Version: '7' } as Record<string, string>;

/** A template value as CloudFormation resolves it, with the guardrail's attributes at DEPLOYED. */
function deploy(v: any): string {
  if (typeof v === 'string') return v;
  if (v?.['Fn::Join']) return v['Fn::Join'][1].map(deploy).join(v['Fn::Join'][0]);
  if (v?.['Fn::GetAtt']) return DEPLOYED[v['Fn::GetAtt'][1]];
  throw new Error(`unexpected template value ${JSON.stringify(v)}`);
}

function synth() {
  const app = new App({ context: { [NOW_CONTEXT_KEY]: '2026-11-25' } });
  const stack = new Stack(app, 'Stack', { env: { region: 'us-east-1', account: '123456789012' } });
  const guardrail = new Guardrail(stack, 'Guardrail', { contentFilters: [{ category: ContentFilterCategory.HATE, inputStrength: FilterStrength.HIGH }] });
  const config = new PinnedModelConfig(stack, 'Models', {
    models: { chat: BedrockModel.of('us.anthropic.claude-haiku-4-5-20251001-v1:0') },
    guardrails: { chat: guardrail }, guardrailTrace: { chat: GuardrailTrace.ENABLED },
  });
  new ModelInvoker(stack, 'Chat', { config, role: 'chat' });
  const t = Template.fromStack(stack);
  const param = Object.values(t.findResources('AWS::SSM::Parameter')).find((p: any) => deploy(p.Properties.Name) === PARAM) as any;
  const fn = Object.values(t.findResources('AWS::Lambda::Function'))[0] as any;
  return { value: deploy(param.Properties.Value), hash: deploy(fn.Properties.Environment.Variables.MODEL_CONFIG_HASH) };
}

let ssm: FakeSsm;
let bedrock: FakeBedrockRuntime;
let restore: () => void;
const out = new StdoutCapture();
const deployed = synth();

beforeAll(async () => {
  ssm = await FakeSsm.start();
  bedrock = await FakeBedrockRuntime.start();
  restore = setEnv({
    ...fakeAwsEnv(),
    AWS_ENDPOINT_URL_SSM: ssm.url,
    AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
    MODEL_CONFIG: undefined,
    MODEL_CONFIG_PARAMETER: PARAM,
    MODEL_CONFIG_HASH: deployed.hash,
    BEDROCK_MAX_ATTEMPTS: '1',
  });
});
afterAll(async () => { restore(); await ssm.close(); await bedrock.close(); });
beforeEach(() => { ssm.reset(); bedrock.reset(); out.clear(); out.start(); });
afterEach(() => out.stop());

const driftWarnings = () => out.records().filter((r) => r.level === 'WARN' && /Model configuration drift/.test(String(r.message)));

test('the deployed configuration is read and its guardrail sent with the call; the drift check agrees with the hash', async () => {
  expect(deployed.hash).toMatch(/^[0-9a-f]{64}:gr1abc2def3g:7$/);
  ssm.parameters.set(PARAM, deployed.value);
  await loadBundledHandler('text-invoker', { logLevel: 'WARN' }).handler({ prompt: 'hello' }, lambdaContext());
  expect(bedrock.calls('converse')[0].body.guardrailConfig).toEqual({ guardrailIdentifier: 'gr1abc2def3g', guardrailVersion: '7', trace: 'enabled' });
  expect(driftWarnings()).toEqual([]);
});

test('a guardrail version edited by hand in the parameter is drift: one warning naming the parameter', async () => {
  ssm.parameters.set(PARAM, deployed.value.replace('"guardrailVersion":"7"', '"guardrailVersion":"6"'));
  await loadBundledHandler('text-invoker', { logLevel: 'WARN' }).handler({ prompt: 'hello' }, lambdaContext());
  expect(bedrock.calls('converse')[0].body.guardrailConfig.guardrailVersion).toBe('6');
  const warnings = driftWarnings();
  expect(warnings).toHaveLength(1);
  expect(warnings[0].message).toMatch(new RegExp(`SSM parameter ${PARAM} does not hold what the stack deployed \\(sha256 [0-9a-f]{64}:gr1abc2def3g:6, MODEL_CONFIG_HASH [0-9a-f]{64}:gr1abc2def3g:7\\)`));
});
