using FlowCollector.Sources.GitHub;
using FlowCollector.Sources.GitHub.Reading;
using FlowCollector.Testing;
using GraphQL;
using GraphQL.Types;
using GraphQL.Validation;
using GraphQLParser.AST;

namespace FlowCollector.Sources.Tests.GitHub;

/// <summary>
/// Every GraphQL document the collector sends is valid against GitHub's published schema (npm
/// <c>@octokit/graphql-schema</c>, pinned in .ci/run): a renamed field or enum value fails here, not in production.
/// </summary>
public sealed class GitHubGraphQlSchemaTests
{
    /// <summary>The pinned package .ci/run installs (keep both in step).</summary>
    internal const string SchemaPackage = "@octokit/graphql-schema@15.26.1";

    internal const string SchemaVariable = "FLOWCOLLECTOR_GITHUB_GRAPHQL_SCHEMA";

    private static readonly Lazy<ISchema> GitHubSchema = new(() =>
    {
        // Validation needs no resolvers, but GraphQL.NET refuses a union or interface it could not resolve at run time.
        var sdl = WithoutDuplicateFields(File.ReadAllText(SchemaPath()));
        var schema = Schema.For(sdl, builder => builder.Types.ForAll(type => type.ResolveType = _ => null!));

        // GitHub's own scalars (DateTime, URI, GitObjectID, …) are declared in the SDL; GraphQL.NET wants a type for each.
        var builtIn = new HashSet<string>(StringComparer.Ordinal) { "String", "Int", "Float", "Boolean", "ID" };
        foreach (var scalar in GraphQLParser.Parser.Parse(sdl).Definitions.OfType<GraphQLScalarTypeDefinition>().Select(d => (string)d.Name).Where(n => !builtIn.Contains(n)))
        {
            schema.RegisterType(new OpaqueScalar(scalar));
        }

        schema.Initialize();
        return schema;
    });

    public static TheoryData<string> Operations => new(GitHubGraphQlDocuments.All.Keys);

    [Theory]
    [MemberData(nameof(Operations))]
    public async Task Document_is_valid_against_GitHubs_schema(string operation)
    {
        var errors = await Validate(GitHubGraphQlDocuments.All[operation]);

        Assert.Empty(errors);
    }

    [Theory]
    [InlineData("query Q($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { pullRequests(first: 1) { nodes { mergeCommitSha } } } }", "mergeCommitSha")]
    [InlineData("query Q($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { pullRequests(first: 1, orderBy: {field: UPDATED, direction: DESC}) { nodes { number } } } }", "UPDATED")]
    [InlineData("query Q($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { pullRequest(number: \"1\") { number } } }", "number")]
    public async Task A_wrong_document_is_refused_so_the_check_has_teeth(string document, string named)
    {
        var errors = await Validate(document);

        Assert.Contains(errors, e => e.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void The_documents_ask_for_the_rate_limit_cost()
    {
        Assert.All(GitHubGraphQlDocuments.All.Values, d => Assert.Contains("rateLimit { cost remaining resetAt }", d, StringComparison.Ordinal));
    }

    private static async Task<List<string>> Validate(string text)
    {
        var schema = GitHubSchema.Value;
        var document = GraphQLParser.Parser.Parse(text);
        var result = await new DocumentValidator().ValidateAsync(new ValidationOptions
        {
            Schema = schema,
            Document = document,
            Rules = DocumentValidator.CoreRules,
            Operation = document.Definitions.OfType<GraphQLOperationDefinition>().Single(),
            Variables = new Inputs(new Dictionary<string, object?> { ["owner"] = "contoso", ["name"] = "web", ["first"] = 49, ["nested"] = 100, ["linked"] = 10, ["number"] = 1, ["id"] = "DE_kwDOAAAB", ["since"] = "2025-03-01T00:00:00Z" }),
            CancellationToken = TestContext.Current.CancellationToken,
        });
        return result.Errors.Select(e => e.Message).ToList();
    }

    /// <summary>
    /// The published schema declares a few fields twice in one type (15.26.1: EnterpriseOwnerInfo.repositoryDeployKeySetting
    /// and …Organizations, same type and arguments, one description copied from another field); GraphQL.NET refuses
    /// that, so the repeats are dropped — only when type and arguments agree.
    /// </summary>
    private static string WithoutDuplicateFields(string sdl)
    {
        var document = GraphQLParser.Parser.Parse(sdl);
        foreach (var type in document.Definitions.OfType<GraphQLObjectTypeDefinition>())
        {
            if (type.Fields is not { } fields)
            {
                continue;
            }

            var kept = new Dictionary<string, GraphQLFieldDefinition>(StringComparer.Ordinal);
            fields.Items.RemoveAll(field =>
            {
                var name = (string)field.Name;
                if (!kept.TryGetValue(name, out var first))
                {
                    kept.Add(name, field);
                    return false;
                }

                Assert.Equal(Signature(first), Signature(field));
                return true;
            });
        }

        return Print(document);
    }

    private static string Signature(GraphQLFieldDefinition field) =>
        Print(field.Type) + "(" + string.Join(", ", (field.Arguments?.Items ?? []).Select(a => (string)a.Name + ": " + Print(a.Type))) + ")";

    private static string Print(ASTNode node)
    {
        using var writer = new StringWriter(System.Globalization.CultureInfo.InvariantCulture);
        new GraphQLParser.Visitors.SDLPrinter().PrintAsync(node, writer).AsTask().GetAwaiter().GetResult();
        return writer.ToString();
    }

    /// <summary>The schema file: <c>FLOWCOLLECTOR_GITHUB_GRAPHQL_SCHEMA</c> (set by .ci/run), else the npm install under the repository's .tools.</summary>
    private static string SchemaPath() => PublishedDescriptions.Locate(SchemaVariable, SchemaPackage, "schema.graphql");

    /// <summary>A GitHub scalar whose values the validator only needs to pass through.</summary>
    private sealed class OpaqueScalar : ScalarGraphType
    {
        public OpaqueScalar(string name)
        {
            Name = name;
        }

        public override object? ParseValue(object? value) => value;

        public override object? ParseLiteral(GraphQLValue value) => value;
    }
}
