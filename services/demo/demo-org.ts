import type { Branch, Crew, CrewTarget, Org, Unit, UnitType } from '../../schemas/org.schema.ts';
import { DEMO_PERIOD_DAYS, LABOUR_COMPETITION_ID } from './demo-competitions.ts';
import { createRng, hashSeed } from './prng.ts';

interface UnitSpec {
  code: string;
  name: string;
  nameEn: string;
  type: UnitType;
}

interface BranchSpec {
  code: string;
  name: string;
  nameEn: string;
  units: readonly UnitSpec[];
}

const BRANCHES: readonly BranchSpec[] = [
  {
    code: 'HZ',
    name: '杭州分公司',
    nameEn: 'Hangzhou Branch',
    units: [
      { code: 'XH', name: '西湖加油站', nameEn: 'Xihu Station', type: 'station' },
      { code: 'BJ', name: '滨江加油站', nameEn: 'Binjiang Station', type: 'station' },
      { code: 'XS', name: '萧山加油站', nameEn: 'Xiaoshan Station', type: 'station' },
      { code: 'BS', name: '半山油库', nameEn: 'Banshan Depot', type: 'depot' },
    ],
  },
  {
    code: 'NB',
    name: '宁波分公司',
    nameEn: 'Ningbo Branch',
    units: [
      { code: 'YZ', name: '鄞州加油站', nameEn: 'Yinzhou Station', type: 'station' },
      { code: 'BL', name: '北仑加油站', nameEn: 'Beilun Station', type: 'station' },
      { code: 'JB', name: '江北加油站', nameEn: 'Jiangbei Station', type: 'station' },
      { code: 'ZH', name: '镇海油库', nameEn: 'Zhenhai Depot', type: 'depot' },
    ],
  },
  {
    code: 'WZ',
    name: '温州分公司',
    nameEn: 'Wenzhou Branch',
    units: [
      { code: 'LC', name: '鹿城加油站', nameEn: 'Lucheng Station', type: 'station' },
      { code: 'OH', name: '瓯海加油站', nameEn: 'Ouhai Station', type: 'station' },
      { code: 'YQ', name: '乐清加油站', nameEn: 'Yueqing Station', type: 'station' },
      { code: 'LW', name: '龙湾油库', nameEn: 'Longwan Depot', type: 'depot' },
    ],
  },
];

/** 甲乙丙 three-shift crews (三班倒); the index also fixes the shift hours in the event generator. */
const SHIFTS = [
  { zh: '甲班', en: 'Shift A' },
  { zh: '乙班', en: 'Shift B' },
  { zh: '丙班', en: 'Shift C' },
] as const;

/**
 * Expected litres a crew moves on an ordinary day. A station shift crew sells roughly 8-20 thousand
 * litres; a depot crew dispatches wholesale tanker loads, several times more. Derived from the crew id
 * alone so the org's targets and the event generator agree without sharing state.
 */
export function expectedDailyLitres(crewId: string, unitType: UnitType): number {
  const rng = createRng(hashSeed('daily-litres', crewId));
  return unitType === 'depot' ? Math.round(rng.float(40_000, 90_000)) : Math.round(rng.float(8_000, 20_000));
}

/**
 * Target for the whole demo period. The factor varies per crew (0.9-1.12 of what the crew will
 * really sell) so at the end some crews beat their target and some fall short, as on a real board.
 */
function periodTargetLitres(crewId: string, unitType: UnitType): number {
  const factor = createRng(hashSeed('target-factor', crewId)).float(0.9, 1.12);
  const litres = expectedDailyLitres(crewId, unitType) * DEMO_PERIOD_DAYS * factor;
  // Organisers set round numbers: to the nearest 1,000 litres.
  return Math.round(litres / 1000) * 1000;
}

export function buildDemoOrg(): Org {
  const branches: Branch[] = [];
  const units: Unit[] = [];
  const crews: Crew[] = [];
  const targets: CrewTarget[] = [];

  for (const branchSpec of BRANCHES) {
    const branchId = `B-${branchSpec.code}`;
    branches.push({ id: branchId, name: branchSpec.name, nameEn: branchSpec.nameEn });
    for (const unitSpec of branchSpec.units) {
      const unitId = `U-${branchSpec.code}-${unitSpec.code}`;
      units.push({ id: unitId, branchId, name: unitSpec.name, nameEn: unitSpec.nameEn, type: unitSpec.type });
      SHIFTS.forEach((shift, index) => {
        const crewId = `C-${branchSpec.code}-${unitSpec.code}-${index + 1}`;
        crews.push({
          id: crewId,
          unitId,
          name: `${unitSpec.name}${shift.zh}`,
          nameEn: `${unitSpec.nameEn} ${shift.en}`,
          headcount: createRng(hashSeed('headcount', crewId)).int(4, 12),
        });
        targets.push({
          competitionId: LABOUR_COMPETITION_ID,
          crewId,
          metric: 'sales.volume_litres',
          value: periodTargetLitres(crewId, unitSpec.type),
        });
      });
    }
  }

  return { groupName: '华东能源集团', branches, units, crews, persons: [], targets };
}
