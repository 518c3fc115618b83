package graph

// ExampleQuery is pre-filled in the playground: a page of participants with their wave and
// scheme, purchases down to the provider, and incentives with their payment attempts.
const ExampleQuery = `# Welcome to the Kartu Prakerja GraphQL API.
# Press the run button (or Ctrl-Enter). Open "Docs" for every type and field.
query ParticipantsWithTrainingAndIncentives {
  participants(first: 5, filter: {status: [ACTIVE, COMPLETED], provinceCode: ["32", "33", "35"]}) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id
      fullName
      nik
      gender
      province { name }
      status
      cardNumber
      balance
      wave { number status scheme { code trainingBalance } }
      enrollments(first: 3) {
        totalCount
        nodes {
          course { title category mode provider { name } }
          platform { name }
          session { startsAt venue { type name regency } }
          price
          status
          certificate { number }
          review { rating body }
        }
      }
      incentives(first: 5, orderBy: {field: DUE_ON}) {
        nodes {
          kind
          sequence
          amount
          dueOn
          status
          channel
          payments { attempt status failureCode }
        }
      }
    }
  }
}
`
