# pint (github.com/cloudflare/pint): lint the alerting rules only.
# rules/tests/*.test.yml are promtool unit tests, not rule files: parsed as rules
# they fail, so they are excluded. The mixin's rendered copies
# (deploy/mixin/rendered, the Helm chart, the kustomize base) are generated from
# rules/ and checked to be in sync by tests/deploy, so linting rules/ covers them.
parser {
  include = ["^rules/[^/]+\\.rules\\.yml$"]
  exclude = ["^rules/tests/.*", "^deploy/.*", "^build.*"]
}
