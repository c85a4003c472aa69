import { describe, expect, it } from 'vitest';
import { Competition } from '../../schemas/competition.schema.ts';
import { definitionToForm, formToDefinition } from '../../services/console/web/model/definition-form.ts';
import { labourCompetition } from '../support/fixtures.ts';

describe('the editor’s 审核设置', () => {
  it('keeps a competition’s review levels through the form, so saving in the console never drops them', () => {
    const definition = {
      ...labourCompetition,
      review: [{ type: 'hazard_found' as const, levels: ['单位安全员', '分公司工会'] }],
    };
    const form = definitionToForm(definition);
    expect(form.review).toEqual([{ type: 'hazard_found', levels: ['单位安全员', '分公司工会'] }]);
    const back = formToDefinition(form);
    expect(back.review).toEqual(definition.review);
    expect(Competition.safeParse(back).success).toBe(true);
  });

  it('leaves out rows without a level (blank names too), and says nothing when none is set', () => {
    const form = definitionToForm(labourCompetition);
    expect(formToDefinition(form)).not.toHaveProperty('review');
    form.review = [
      { type: 'violation', levels: [' ', ''] },
      { type: 'innovation', levels: [' 评审委员会 '] },
    ];
    expect(formToDefinition(form).review).toEqual([{ type: 'innovation', levels: ['评审委员会'] }]);
  });
});
