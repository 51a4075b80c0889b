/**
 * `npm run perf -- profile`: which clinic tool runs. clinic doctor is not supported on Node >= 21.7
 * (clinicjs/node-clinic#480), so without `--tool` it is doctor below that and flame from there on,
 * and the line the run prints says which and why.
 */
import { chooseClinicTool, doctorSupports } from '../runner/profile.scenario';

describe('the clinic tool of a profile run', () => {
  it.each([
    ['20.20.2', true],
    ['21.6.2', true],
    ['21.7.0', false],
    ['22.12.0', false],
    ['26.13.1', false],
  ])('when Node is %s, then doctor supports it: %s', (version, supported) => {
    expect(doctorSupports(version)).toBe(supported);
  });

  it('when no tool is asked for on Node 20, then it is doctor, and the line says it supports that Node', () => {
    const choice = chooseClinicTool(undefined, '20.20.2');

    expect(choice.tool).toBe('doctor');
    expect(choice.reason).toBe('clinic doctor: Node 20.20.2 is one it supports (--tool flame for a flame graph)');
  });

  it('when no tool is asked for on the LTS Node, then it is flame, and the line cites the upstream issue', () => {
    const choice = chooseClinicTool(undefined, '26.12.1');

    expect(choice.tool).toBe('flame');
    expect(choice.reason).toBe(
      'clinic flame: clinic doctor is not supported on Node >= 21.7 (clinicjs/node-clinic#480) and this is Node 26.12.1 (--tool doctor to try it anyway)',
    );
  });

  it('when flame is asked for on Node 20, then it is flame', () => {
    expect(chooseClinicTool('flame', '20.20.2')).toEqual({
      tool: 'flame',
      reason: 'clinic flame: as asked (--tool flame), on Node 20.20.2',
    });
  });

  it('when doctor is asked for on the LTS Node, then it is doctor, with a warning', () => {
    const choice = chooseClinicTool('doctor', '26.12.1');

    expect(choice.tool).toBe('doctor');
    expect(choice.reason).toMatch(/^clinic doctor: as asked \(--tool doctor\), on Node 26\.12\.1; but clinic doctor/);
    expect(choice.reason).toMatch(/not supported on Node >= 21\.7 \(clinicjs\/node-clinic#480\): check its report$/);
  });

  it('when the running Node is not named, then it is the Node that runs the tool (and the profiled service)', () => {
    expect(chooseClinicTool(undefined).tool).toBe(doctorSupports(process.versions.node) ? 'doctor' : 'flame');
  });

  it('when another tool is asked for, then it is refused with the ones there are', () => {
    expect(() => chooseClinicTool('bubbleprof', '20.20.2')).toThrow('--tool is doctor or flame (got bubbleprof)');
  });
});
