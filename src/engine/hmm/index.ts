// Hidden Markov models: discrete and Gaussian emissions, inference, estimation and file formats. Their example data
// (the dishonest casino, CpG islands, tagged sentences, regimes) is generated with the others in src/engine/examples/.
export * from './forwardBackward';
export * from './discreteHmm';
export * from './estimation';
export * from './gaussianHmm';
export * from './modelJson';
export * from './parsers';
export * from './csvSeries';
