import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext, type ASTVisitor } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { hasNulCharacter } from '../auth/index.js';

/** The document limits, chosen well above what GraphiQL, urql and the README's queries need. */
const GRAPHQL_LIMITS = { depth: 10, cost: 5000, tokens: 2000, aliases: 15 } as const;

/**
 * One `issueToken` per document: aliases or fragments must not turn one request into many secret guesses (the
 * throttle counts failures, but each guess would still cost an argon2 verification).
 */
function oneIssueTokenPerDocument(context: ValidationContext): ASTVisitor {
  let seen = 0;
  return {
    Field(node) {
      if (node.name.value !== 'issueToken' || context.getParentType()?.name !== 'Mutation') return;
      seen += 1;
      if (seen === 2) {
        context.reportError(new GraphQLError('At most one issueToken per request.', { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } }));
      }
    },
  };
}

/**
 * `GraphQL Armor` for depth, cost, tokens and aliases, field suggestions hidden from error messages, one
 * issueToken per document, and introspection when enabled. Array batching stays off (yoga's default).
 */
export function graphqlLimitPlugins(options: { introspection: boolean }): Plugin[] {
  const rules = [oneIssueTokenPerDocument, ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  return [
    maxDepthPlugin({ n: GRAPHQL_LIMITS.depth, ignoreIntrospection: true }),
    costLimitPlugin({ maxCost: GRAPHQL_LIMITS.cost, ignoreIntrospection: true }),
    maxTokensPlugin({ n: GRAPHQL_LIMITS.tokens }),
    maxAliasesPlugin({ n: GRAPHQL_LIMITS.aliases }),
    blockFieldSuggestionsPlugin(),
    {
      onValidate({ addValidationRule }) {
        for (const rule of rules) addValidationRule(rule);
      },
    },
    {
      // PostgreSQL text cannot hold U+0000; refuse it at the door rather than fail in a query.
      onParams({ params, setResult }) {
        if (hasNulCharacter(params)) {
          setResult({ errors: [new GraphQLError('Input must not contain NUL characters.', { extensions: { code: 'BAD_USER_INPUT' } })] });
        }
      },
    },
  ] as Plugin[];
}
