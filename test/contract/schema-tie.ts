/**
 * Compile-time proof that the handlers' zod schemas are tied to the contract types (lib/contract): each schema below
 * differs from its contract type in one way, and `schemaFor` must reject it. This file is type-checked by
 * `npm run build` (`tsc -p tsconfig.json` includes test/**; jest's swc transform does not type-check, so this is not a
 * jest test): if `schemaFor` stopped checking, a `@ts-expect-error` line would be unused, which is itself a compile
 * error, and the build fails. test/contract/contract.test.ts checks that the build includes this file.
 */
import * as z from 'zod/mini';
import type { InvocationForm as CatalogInvocationForm } from '../../lib/catalog/catalog';
import type { InferenceParameters, InvocationForm, RuntimeModelConfig, RuntimePrice } from '../../lib/contract';
import { runtimeModelConfigSchema } from '../../lambda/shared/model-config';
import { schemaFor, type SameShape } from '../../lambda/shared/validation';

// lib/catalog still declares its own InvocationForm (it should import the contract's): until then, the two must agree.
export const catalogFormsAreTheContracts: SameShape<CatalogInvocationForm, InvocationForm> = true;

const maxTokens = z.optional(z.int());
const temperature = z.optional(z.number());
const topP = z.optional(z.number());
const stopSequences = z.optional(z.array(z.string()));

// The same fields, each as optional and of the same type: accepted.
export const same = schemaFor<InferenceParameters>()(z.object({ maxTokens, temperature, topP, stopSequences }));

// @ts-expect-error a contract field the schema lacks (its value would be stripped on parse)
export const missingField = schemaFor<InferenceParameters>()(z.object({ maxTokens, temperature, topP }));

// @ts-expect-error a field the contract does not have
export const extraField = schemaFor<InferenceParameters>()(z.object({ maxTokens, temperature, topP, stopSequences, topK: z.optional(z.int()) }));

// @ts-expect-error a field of another type
export const otherType = schemaFor<InferenceParameters>()(z.object({ maxTokens: z.optional(z.string()), temperature, topP, stopSequences }));

// @ts-expect-error a field required by the schema but optional in the contract
export const requiredOnlyInSchema = schemaFor<InferenceParameters>()(z.object({ maxTokens: z.int(), temperature, topP, stopSequences }));

// @ts-expect-error a field nullable in the schema only
export const nullableOnlyInSchema = schemaFor<InferenceParameters>()(z.object({ maxTokens: z.optional(z.nullable(z.int())), temperature, topP, stopSequences }));

// The run-time configuration schema the handlers parse with: accepted for the contract type itself.
export const config = schemaFor<RuntimeModelConfig>()(runtimeModelConfigSchema);

// @ts-expect-error the contract gains an optional field the schema does not read
export const contractGainsField = schemaFor<RuntimeModelConfig & { readonly guardrailId?: string }>()(runtimeModelConfigSchema);

// @ts-expect-error the contract's nested price gains a field the schema does not read
export const priceGainsField = schemaFor<Omit<RuntimeModelConfig, 'price'> & { readonly price: (RuntimePrice & { readonly region: string }) | null }>()(runtimeModelConfigSchema);

// @ts-expect-error the contract drops a field the schema requires
export const contractDropsField = schemaFor<Omit<RuntimeModelConfig, 'catalogGeneratedAt'>>()(runtimeModelConfigSchema);

// @ts-expect-error the contract's schema version moves on
export const nextVersion = schemaFor<Omit<RuntimeModelConfig, 'schemaVersion'> & { readonly schemaVersion: 2 }>()(runtimeModelConfigSchema);
