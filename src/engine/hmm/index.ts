// Hidden Markov models: discrete and Gaussian emissions, inference, estimation, file formats and examples.
export * from './forwardBackward';
export * from './discreteHmm';
export * from './estimation';
export * from './gaussianHmm';
export * from './modelJson';
export * from './parsers';
export * from './examples';
export * from './csvSeries';
