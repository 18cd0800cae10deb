import { ModelCatalog } from '../../lib/catalog/catalog';
import { BedrockValidationError } from '../../lib/catalog/errors';
import { ModelIdSyntaxError, parseModelId } from '../../lib/catalog/model-id';
import { parseIsoDate } from '../../lib/catalog/policy';
import * as privateErrors from '../../lib/private/errors';

/** The error thrown by `fn`, which must throw. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to throw');
}

describe('BedrockValidationError', () => {
  test('carries a stable code, its name, and the construct path after the message', () => {
    const e = new BedrockValidationError('SomeCode', "x is 'y'; write 'z'.", { node: { path: 'Stack/Thing' } });
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('SomeCode');
    expect(e.name).toBe('BedrockValidationError');
    expect(e.message).toBe("x is 'y'; write 'z'. (at Stack/Thing)");
    expect(new BedrockValidationError('SomeCode', 'no scope').message).toBe('no scope');
  });

  test('lib/private/errors re-exports the same class, so constructs and the catalog throw one type', () => {
    expect(privateErrors.BedrockValidationError).toBe(BedrockValidationError);
  });

  test('a string that is not a model identifier throws a BedrockValidationError with code Syntax', () => {
    const e = thrown(() => parseModelId('gpt-4'));
    expect(e).toBeInstanceOf(ModelIdSyntaxError);
    expect(e).toBeInstanceOf(BedrockValidationError);
    expect(e).toMatchObject({ code: 'Syntax', name: 'ModelIdSyntaxError' });
    expect((e as Error).message).toMatch(/'gpt-4' is not an Amazon Bedrock model identifier/);
  });

  test('a malformed date throws code InvalidDate, naming the value and the form to write', () => {
    const e = thrown(() => parseIsoDate('next tuesday', '--now'));
    expect(e).toBeInstanceOf(BedrockValidationError);
    expect(e).toMatchObject({ code: 'InvalidDate' });
    expect((e as Error).message).toMatch(/--now is 'next tuesday', which is not an ISO date; write a date such as '2026-11-25'/);
  });

  test.each([
    ['anthropic.claude-mythos-5', 1, 1, 'PriceNotSourced', /no sourced on-demand token price for 'anthropic\.claude-mythos-5'/],
    ['acme.model-v1:0', 1, 1, 'UnknownModel', /'acme\.model-v1:0' is not in the model catalog/],
    ['amazon.titan-embed-text-v2:0', 1, 5, 'OutputNotPriced', /priced per input token only.*pass outputTokens = 0 \(got 5\)/],
    ['amazon.nova-pro-v1:0', -1, 5, 'InvalidTokenCount', /inputTokens must be a non-negative number of tokens, got -1/],
  ])('estimateCost(%s, %d, %d) throws code %s', (id, input, output, code, message) => {
    const e = thrown(() => ModelCatalog.default().estimateCost(id, input, output));
    expect(e).toBeInstanceOf(BedrockValidationError);
    expect(e).toMatchObject({ code });
    expect((e as Error).message).toMatch(message);
  });
});
