// Charts as vega-lite specs rendered to SVG headless (vega's "none" renderer: no browser, no
// canvas). Line charts carry min-max error bars when the points have them; every mark has vega's
// aria-label with its data, so the SVG itself says which values it plots.
import * as vega from "vega";
import { compile, type TopLevelSpec } from "vega-lite";

export interface LinePoint {
  readonly x: number;
  readonly y: number;
  readonly series: string;
  readonly min?: number;
  readonly max?: number;
}

export interface LineChart {
  readonly title: string;
  readonly xTitle: string;
  readonly yTitle: string;
  readonly points: readonly LinePoint[];
  readonly xLog?: boolean;
  readonly yLog?: boolean;
  readonly subtitle?: string;
}

export interface BarPoint {
  readonly category: string;
  readonly value: number;
  /** Bars of one category side by side, one per series. */
  readonly series?: string;
  readonly min?: number;
  readonly max?: number;
}

export interface BarChart {
  readonly title: string;
  readonly categoryTitle: string;
  readonly valueTitle: string;
  readonly points: readonly BarPoint[];
  readonly subtitle?: string;
}

const WIDTH = 520;
const HEIGHT = 300;

function titleOf(title: string, subtitle?: string) {
  return subtitle ? { text: title, subtitle } : { text: title };
}

export function lineChartSpec(c: LineChart): TopLevelSpec {
  const finite = c.points.filter((p) => Number.isFinite(p.y) && (!c.yLog || p.y > 0));
  const xScale = c.xLog ? { type: "log" as const } : { zero: false };
  const yScale = c.yLog ? { type: "log" as const } : { zero: true };
  const xValues = [...new Set(finite.map((p) => p.x))].sort((a, b) => a - b);
  const withRange = finite.filter((p) => p.min !== undefined && p.max !== undefined && p.max > p.min);
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: titleOf(c.title, c.subtitle),
    width: WIDTH,
    height: HEIGHT,
    background: "white",
    data: { values: finite.map((p) => ({ ...p })) },
    layer: [
      {
        mark: { type: "line", point: { filled: true, size: 50 }, tooltip: true },
        encoding: {
          x: { field: "x", type: "quantitative", title: c.xTitle, scale: xScale, axis: { values: xValues } },
          y: { field: "y", type: "quantitative", title: c.yTitle, scale: yScale },
          color: { field: "series", type: "nominal", title: null },
        },
      },
      ...(withRange.length > 0
        ? [
            {
              transform: [{ filter: "isValid(datum.min) && isValid(datum.max) && datum.max > datum.min" }],
              mark: { type: "rule" as const, strokeWidth: 1.5 },
              encoding: {
                x: { field: "x", type: "quantitative" as const },
                y: { field: "min", type: "quantitative" as const },
                y2: { field: "max" },
                color: { field: "series", type: "nominal" as const, title: null },
              },
            },
          ]
        : []),
    ],
  } as TopLevelSpec;
}

export function barChartSpec(c: BarChart): TopLevelSpec {
  const finite = c.points.filter((p) => Number.isFinite(p.value));
  const grouped = finite.some((p) => p.series !== undefined);
  const bar = {
    mark: { type: "bar" as const, tooltip: true },
    encoding: {
      y: { field: "category", type: "nominal" as const, title: c.categoryTitle, sort: null },
      x: { field: "value", type: "quantitative" as const, title: c.valueTitle },
      ...(grouped ? { yOffset: { field: "series", type: "nominal" as const }, color: { field: "series", type: "nominal" as const, title: null } } : {}),
    },
  };
  const range = {
    transform: [{ filter: "isValid(datum.min) && isValid(datum.max) && datum.max > datum.min" }],
    mark: { type: "rule" as const, color: "black" },
    encoding: {
      y: { field: "category", type: "nominal" as const, sort: null },
      ...(grouped ? { yOffset: { field: "series", type: "nominal" as const } } : {}),
      x: { field: "min", type: "quantitative" as const },
      x2: { field: "max" },
    },
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: titleOf(c.title, c.subtitle),
    width: WIDTH,
    background: "white",
    data: { values: finite.map((p) => ({ ...p, series: p.series ?? c.valueTitle })) },
    layer: [bar, range],
  } as TopLevelSpec;
}

/** Renders a vega-lite spec to an SVG document. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
