/** Program names in the bench's dispatch table survive minification: they come from the shader key. */
import { describe, expect, it } from 'vitest';
import { programName } from './dispatchCounter';

describe('programName', () => {
  it('is the shader key\'s first word, else the class name', () => {
    expect(programName({ constructor: { name: 'Dt' }, shaderKey: 'tlUpdate_momentum_true_false_256,1,11,1' })).toBe('tlUpdate');
    expect(programName({ constructor: { name: 'ft' }, shaderKey: 'conv2DMM_4,4,1_null}' })).toBe('conv2DMM');
    expect(programName({ constructor: { name: 'UpdateProgram' } })).toBe('UpdateProgram');
  });
});
