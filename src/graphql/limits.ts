import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { costLimitPlugin } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import {
  GraphQLError,
  Lexer,
  NoSchemaIntrospectionCustomRule,
  Source,
  TokenKind,
  type ASTVisitor,
  type ValidationContext,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { hasNulCharacter, isNestedDeeperThan } from '../core/index.js';

/**
 * The document limits, chosen well above what GraphiQL, urql and the README's queries need. `nesting` counts
 * braces, brackets and parentheses together; `variablesNesting` is the REST shim's limit for JSON bodies.
 */
const GRAPHQL_LIMITS = { depth: 10, cost: 5000, tokens: 2000, aliases: 15, nesting: 32, variablesNesting: 32 } as const;

const NUL_MESSAGE = 'Input must not contain NUL characters.';
const OPENERS: ReadonlySet<TokenKind> = new Set([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSERS: ReadonlySet<TokenKind> = new Set([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/**
 * Whether a document nests deeper than `limit`. graphql-js parses recursively, and nested list literals overflow
 * the stack (about 2,000 `[`) before the token limit stops them, as an unexpected RangeError. The lexer is
 * iterative, so this runs before the parser. It stops after `maxTokens + 1` tokens, where the token limit takes over
 * the parse, and at a lexing error, which the parser reports: either way the parser meets no deeper nesting than
 * was checked here.
 */
function isDocumentNestedDeeperThan(query: string, limit: number, maxTokens: number): boolean {
  const lexer = new Lexer(new Source(query));
  let depth = 0;
  try {
    for (let tokens = 0; tokens <= maxTokens; tokens++) {
      const { kind } = lexer.advance();
      if (kind === TokenKind.EOF) return false;
      if (OPENERS.has(kind) && ++depth > limit) return true;
      if (CLOSERS.has(kind)) depth -= 1;
    }
  } catch {
    return false;
  }
  return false;
}

/**
 * PostgreSQL text cannot hold U+0000. The parameter check sees raw text only, where `"\u0000"` is six harmless
 * characters: it becomes a NUL when the document is parsed, so every string literal (quoted or block) is checked
 * here, before any resolver runs.
 */
function noNulInStringLiterals(context: ValidationContext): ASTVisitor {
  let reported = false;
  return {
    StringValue(node) {
      if (reported || !node.value.includes('\u0000')) return;
      reported = true;
      context.reportError(new GraphQLError(NUL_MESSAGE, { nodes: [node], extensions: { code: 'BAD_USER_INPUT' } }));
    },
  };
}

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
        context.reportError(
          new GraphQLError('At most one issueToken per request.', {
            nodes: [node],
            extensions: { code: 'BAD_USER_INPUT' },
          }),
        );
      }
    },
  };
}

/**
 * `GraphQL Armor` for depth, cost, tokens and aliases, field suggestions hidden from error messages, one
 * issueToken per document, and introspection when enabled. Array batching stays off (yoga's default).
 */
export function graphqlLimitPlugins(options: { introspection: boolean }): Plugin[] {
  const rules = [
    oneIssueTokenPerDocument,
    noNulInStringLiterals,
    ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
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
      // Refused at the door, before the parser or any resolver walks them: too deep a document or variables would
      // overflow the stack in recursive code (ours, graphql-js's, PostgreSQL's jsonb), and PostgreSQL text cannot
      // hold U+0000.
      onParams({ params, setResult }) {
        const refuse = (message: string, code: string) =>
          setResult({ errors: [new GraphQLError(message, { extensions: { code } })] });
        if (
          typeof params.query === 'string' &&
          isDocumentNestedDeeperThan(params.query, GRAPHQL_LIMITS.nesting, GRAPHQL_LIMITS.tokens)
        ) {
          refuse(`Syntax Error: Nesting limit of ${GRAPHQL_LIMITS.nesting} exceeded.`, 'GRAPHQL_VALIDATION_FAILED');
        } else if (
          isNestedDeeperThan(params.variables, GRAPHQL_LIMITS.variablesNesting) ||
          isNestedDeeperThan(params.extensions, GRAPHQL_LIMITS.variablesNesting)
        ) {
          refuse(`Variables nested more than ${GRAPHQL_LIMITS.variablesNesting} levels deep.`, 'BAD_USER_INPUT');
        } else if (hasNulCharacter(params)) {
          refuse(NUL_MESSAGE, 'BAD_USER_INPUT');
        }
      },
    },
  ] as Plugin[];
}
