"""What the organisation package (people, departments, portfolios, programs) adds."""

from schema.organisation.lists import Department, Program
from schema.organisation.mutations import OrganisationMutations
from schema.organisation.queries import OrganisationQueries
from server.domain.organisation.models import Department as DepartmentRow
from server.domain.portfolio.models import Program as ProgramRow

QUERIES: list[type] = [OrganisationQueries]
MUTATIONS: list[type] = [OrganisationMutations]
SUBSCRIPTIONS: list[type] = []
TYPES: list[type] = []
# GraphQL type name -> (type, table, policy resource type), for node(id:)
NODES: dict[str, tuple[type, type, str]] = {
    "Department": (Department, DepartmentRow, "department"),
    "Program": (Program, ProgramRow, "program"),
}
