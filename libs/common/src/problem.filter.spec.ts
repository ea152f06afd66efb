import { toProblem } from './problem.filter.js';

/** A TypeORM QueryFailedError as the pg driver raises it (matched by name and SQLSTATE). */
function queryFailed(sqlState: string): Error {
  const error = new Error('duplicate key value violates unique constraint "model_slug_key"');
  error.name = 'QueryFailedError';
  return Object.assign(error, { driverError: { code: sqlState } });
}

describe('toProblem', () => {
  it('maps a unique violation to 409 and input the database refused to 400, without leaking SQL', () => {
    expect(toProblem(queryFailed('23505'))).toMatchObject({ status: 409, code: 'already_exists' });
    for (const sqlState of ['22P02', '22007', '22008', '22003', '23502', '22P05']) {
      const problem = toProblem(queryFailed(sqlState));
      expect(problem).toMatchObject({ status: 400, code: 'validation_failed' });
      expect(problem.detail).not.toContain('constraint');
    }
  });

  it('keeps other database failures an opaque 500', () => {
    expect(toProblem(queryFailed('40P01'))).toMatchObject({ status: 500, code: 'internal_error' });
    expect(toProblem(Object.assign(new Error('x'), { code: '23505' }))).toMatchObject({ status: 500 });
  });

  it("gives the router's own refusals a stable code", () => {
    const badUrl = Object.assign(new Error("'/%E0%A4%A' is not a valid url component"), {
      code: 'FST_ERR_BAD_URL',
      statusCode: 400,
    });
    const tooLong = Object.assign(new Error('is exceeding the max param length'), {
      code: 'FST_ERR_MAX_PARAM_LENGTH',
      statusCode: 414,
    });
    expect(toProblem(badUrl)).toMatchObject({ status: 400, code: 'url_invalid' });
    expect(toProblem(tooLong)).toMatchObject({ status: 414, code: 'uri_too_long', title: 'URI Too Long' });
  });
});
